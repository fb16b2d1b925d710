"""The messages of problems and errors, in French and English, keyed by their kind (``Msg``).

The texts live in ``data/i18n/messages.<lang>.toml``, one table per module or problem kind;
``Msg`` names each of them once, so code never holds a French/English pair of its own
(``tests/test_messages.py`` fails when one reappears, when a kind lacks a language or a
placeholder, or when a kind is no longer used). Labels of the page stay in ``i18n``.

A parameter can itself depend on the language: a ``Text`` (another message) or any callable
taking the language is called with it, so ``where=Text(Msg.X, line=3)`` reads "line 3" in
English and "ligne 3" in French.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any, TypedDict

from ngomap._paths import I18N_DIR

LANGS = ("fr", "en")


class Msg(StrEnum):
    """Every message, by kind: ``<table>.<name>`` of the catalogue files."""

    ACCOUNTS_ALREADY_ACCOUNT = "accounts.already_account"
    ACCOUNTS_COLUMNS_NEEDED = "accounts.columns_needed"
    ACCOUNTS_LOCKED_FOR = "accounts.locked_for"
    ACCOUNTS_LOCKED_FOR_MORE = "accounts.locked_for_more"
    ACCOUNTS_NONE = "accounts.none"
    ACCOUNTS_NOT_DOMAIN_EMBASSY = "accounts.not_domain_embassy"
    ACCOUNTS_NOT_MAIL_ADDRESS = "accounts.not_mail_address"
    ACCOUNTS_NOT_ROLE = "accounts.not_role"
    ACCOUNTS_NOT_UTF_TEXT = "accounts.not_utf_text"
    ACCOUNTS_ROW_ALREADY_ROW = "accounts.row_already_row"
    ACCOUNTS_ROW_PROBLEM = "accounts.row_problem"
    ACCOUNTS_UNKNOWN_ACTION = "accounts.unknown_action"
    ACCOUNTS_WRONG_MAIL_PASSWORD = "accounts.wrong_mail_password"
    ANALYSIS_NATIONWIDE = "analysis.nationwide"
    AREA_FROM_FILE_NO_BOUNDARY_FILE = "area.from_file.no_boundary_file"
    AREA_OTHER_COUNTRY_SENTENCE = "area.other_country.sentence"
    AREA_SPLIT_COUNTED_IN_PARENT = "area.split.counted_in_parent"
    AREA_SPLIT_ROW_LEFT_OUT = "area.split.row_left_out"
    AREA_SUGGESTION_DID_YOU_MEAN = "area.suggestion.did_you_mean"
    AREA_UNKNOWN_NAME_NOT_IN_BOUNDARIES = "area.unknown_name.not_in_boundaries"
    AREA_WRONG_COLUMN_CODE_OF_OTHER_LEVEL = "area.wrong_column.code_of_other_level"
    BOUNDARIES_EMBEDDED_UNREADABLE = "boundaries.embedded_unreadable"
    BOUNDARY_SETS_NO_KEPT_BOUNDARIES = "boundary_sets.no_kept_boundaries"
    CELL_FORMULA_ERROR_EXCEL_ERROR_VALUE = "cell.formula_error.excel_error_value"
    CELL_FORMULA_UNCOMPUTED_SAVED_WITHOUT_VALUE = "cell.formula_uncomputed.saved_without_value"
    FILE_PROVENANCE_SOURCE_AND_PERIOD = "file.provenance.source_and_period"
    FILE_PROVENANCE_SOURCE_ONLY = "file.provenance.source_only"
    FILE_PROVENANCE_PERIOD_ONLY = "file.provenance.period_only"
    CLI_CASES = "cli.cases"
    CLI_DATA_AT_COARSER_LEVEL = "cli.data_at_coarser_level"
    CLI_FOR_EXAMPLE = "cli.for_example"
    CLI_NO_RECORD_AT_LEVEL = "cli.no_record_at_level"
    CLI_NO_RECORD_IN_SECTORS = "cli.no_record_in_sectors"
    CLI_NOTHING_TO_COUNT = "cli.nothing_to_count"
    CLI_ROWS = "cli.rows"
    CLI_WHOLE_FILE = "cli.whole_file"
    CLI_ADVISE_DIGESTS_MADE = "cli_advise.digests_made"
    CLI_ADVISE_DIGESTS_UNSENT = "cli_advise.digests_unsent"
    CLI_ADVISE_NO_ADDRESS = "cli_advise.no_address"
    CLI_ADVISE_NO_SMTP_SERVER = "cli_advise.no_smtp_server"
    CLI_ADVISE_REMINDERS_SENT = "cli_advise.reminders_sent"
    CLI_BRIEF_DATA_UNUSABLE = "cli_brief.data_unusable"
    CONNECT_CANNOT_READ_TOML = "connect.cannot_read_toml"
    CONNECT_POINTS_GIVE_ONE = "connect.points_give_one"
    CONNECT_USE_SECTOR_CODES = "connect.use_sector_codes"
    DB_NOT_DATABASE_URL = "db.not_database_url"
    DB_NOT_SUPPORTED_USE = "db.not_supported_use"
    DB_REGISTRY_AT_CANNOT = "db.registry_at_cannot"
    FILES_AREAS_BUILT_MERGING = "files.areas_built_merging"
    FILES_AREAS_LAYER_NO = "files.areas_layer_no"
    FILES_CODE_TWICE = "files.code_twice"
    FILES_CODES_TWICE = "files.codes_twice"
    FILES_COORDINATE_SYSTEM_CANNOT = "files.coordinate_system_cannot"
    FILES_EACH_AREA_PARENT = "files.each_area_parent"
    FILES_EMBEDDED_BOUNDARIES_ONLY = "files.embedded_boundaries_only"
    FILES_FILE_CANNOT_READ = "files.file_cannot_read"
    FILES_FILE_NOT_FOUND = "files.file_not_found"
    FILES_INVALID_SHAPE_REPAIRED = "files.invalid_shape_repaired"
    FILES_JSON_NOT_GEOJSON = "files.json_not_geojson"
    FILES_LAYER_HOLDS_NOT = "files.layer_holds_not"
    FILES_LAYER_NO_COORDINATE = "files.layer_no_coordinate"
    FILES_LEVEL_MISSING = "files.level_missing"
    FILES_LEVEL_MISSING_GIVE_FILE = "files.level_missing_give_file"
    FILES_LINE_COLUMN = "files.line_column"
    FILES_NO_CODE_NAME = "files.no_code_name"
    FILES_NO_CODES_AREAS = "files.no_codes_areas"
    FILES_NO_COORDINATE_SYSTEM = "files.no_coordinate_system"
    FILES_NO_LAYER_ADMIN = "files.no_layer_admin"
    FILES_NO_LAYER_LAYERS = "files.no_layer_layers"
    FILES_NOT_COORDINATE_SYSTEM = "files.not_coordinate_system"
    FILES_NOT_READABLE_ZIP = "files.not_readable_zip"
    FILES_NOT_VALID_JSON = "files.not_valid_json"
    FILES_ONCE_REPROJECTED_COORDINATES = "files.once_reprojected_coordinates"
    FILES_REPROJECTED_EPSG = "files.reprojected_epsg"
    FILES_SHAPEFILE_NO_PRJ = "files.shapefile_no_prj"
    FILES_SHAPEFILE_WITHOUT_ONE = "files.shapefile_without_one"
    FILES_SHAPEFILE_WITHOUT_TWO = "files.shapefile_without_two"
    FILES_TWO_LAYERS_GIVE = "files.two_layers_give"
    FILES_UNKNOWN_LEVEL_USE = "files.unknown_level_use"
    FILES_ZIP_DAMAGED_FILE = "files.zip_damaged_file"
    FILES_ZIP_EXPANDS_MORE = "files.zip_expands_more"
    FILES_ZIP_HOLDS_NO = "files.zip_holds_no"
    FILES_ZIP_HOLDS_PATHS = "files.zip_holds_paths"
    HAND_EDITS_ORGANISATION_MERGED_INTO = "hand_edits.organisation_merged_into"
    HAND_EDITS_PRESENCE_CANNOT_EDITED = "hand_edits.presence_cannot_edited"
    HAND_EDITS_PRESENCE_NEEDS_SECTOR = "hand_edits.presence_needs_sector"
    HAND_EDITS_PRESENCE_NOT_ONE = "hand_edits.presence_not_one"
    JSONFILE_JSON_FILE_CANNOT = "jsonfile.json_file_cannot"
    JSONFILE_ROWS_JSON_FILE = "jsonfile.rows_json_file"
    LEVEL_OF_CONSONANT = "level.of_consonant"
    LEVEL_OF_VOWEL = "level.of_vowel"
    LIMITS_WORKBOOK_DAMAGED_PART = "limits.workbook_damaged_part"
    LIMITS_WORKBOOK_DAMAGED_ZIP = "limits.workbook_damaged_zip"
    LISTS_WORD_SECTOR = "lists.word.sector"
    LISTS_WORD_SECTORS = "lists.word.sectors"
    LISTS_WORD_VALUE = "lists.word.value"
    LISTS_WORD_VALUES = "lists.word.values"
    LISTS_WORD_ZONE = "lists.word.zone"
    LISTS_WORD_ZONES = "lists.word.zones"
    LOG_INTRODUCTION_NEEDS_TWO = "log.introduction_needs_two"
    LOG_NOTE = "log.note"
    LOG_OUTCOME = "log.outcome"
    LOG_THERE_NO_INTRODUCTION = "log.there_no_introduction"
    LOG_TOO_LONG = "log.too_long"
    MATCHING_AREA_NOT_BOUNDARIES = "matching.area_not_boundaries"
    MATCHING_CODE_COUNTED_IN_PREFIX = "matching.code_counted_in_prefix"
    MATCHING_CODE_UNKNOWN_PLACED_BY_OTHERS = "matching.code_unknown_placed_by_others"
    MATCHING_CODE_UNKNOWN_ROW_LEFT_OUT = "matching.code_unknown_row_left_out"
    MATCHING_NAME_SEVERAL_AREAS = "matching.name_several_areas"
    MATCHING_NO_ADMIN_AREA = "matching.no_admin_area"
    MATCHING_NOT_WHERE_ROW_PLACES = "matching.not_where_row_places"
    MATCHING_POINTS_TO_OTHER = "matching.points_to_other"
    MATCHING_READ_CLOSE_SPELLING = "matching.read_close_spelling"
    MATCHING_SAID_BY = "matching.said_by"
    MATCHING_SAID_CODE = "matching.said_code"
    MATCHING_SAID_NAME = "matching.said_name"
    NOTIFY_MAIL_SERVER_REFUSED = "notify.mail_server_refused"
    NOTIFY_MUST_ONE_MAIL = "notify.must_one_mail"
    NOTIFY_NOT_ONE_MAIL = "notify.not_one_mail"
    NOTIFY_PORT_MUST_NUMBER = "notify.port_must_number"
    NOTIFY_SUBSCRIPTION_NEEDS_AREA = "notify.subscription_needs_area"
    ORG_FUZZY_MERGED_CLOSE_SPELLING = "org.fuzzy.merged_close_spelling"
    ORG_MISSING_NO_ORGANISATION_NAME = "org.missing.no_organisation_name"
    ORG_SUGGESTION_LOOKS_LIKE_KEPT = "org.suggestion.looks_like_kept"
    ORG_TYPES_GIVEN_TYPES_SETTLE = "org.types.given_types_settle"
    ORG_VARIANT_COUNTED_SAME_ORGANISATION = "org.variant.counted_same_organisation"
    MERGING_PLAN_CHANGED = "merging.plan_changed"
    MERGING_NO_MERGE = "merging.no_merge"
    MERGING_ALREADY_REVERTED = "merging.already_reverted"
    MERGING_TOUCHED_SINCE = "merging.touched_since"
    REVERTING_NO_CHANGESET = "reverting.no_changeset"
    REVERTING_ALREADY_REVERTED = "reverting.already_reverted"
    REVERTING_REVERT_OF_REVERT = "reverting.revert_of_revert"
    REVERTING_TOUCHED_LATER = "reverting.touched_later"
    REVERTING_REQUEST_ELSEWHERE = "reverting.request_elsewhere"
    PRESENCE_CLI_UNKNOWN_SECTOR = "presence_cli.unknown_sector"
    PRESENCE_CLI_UNKNOWN_MODE = "presence_cli.unknown_mode"
    PRESENCE_CLI_UNKNOWN_AREA = "presence_cli.unknown_area"
    PRESENCE_CLI_AREA_AND_NATIONWIDE = "presence_cli.area_and_nationwide"
    PRESENCE_CLI_AREA_NEEDED = "presence_cli.area_needed"
    PRESENCE_CLI_BAD_DATE = "presence_cli.bad_date"
    PRESENCE_CLI_PERIOD_BACKWARDS = "presence_cli.period_backwards"
    PRESENCE_CLI_NOTHING_TO_CHANGE = "presence_cli.nothing_to_change"
    PRESENCE_CLI_UNKNOWN_PRESENCE = "presence_cli.unknown_presence"
    PRESENCE_CLI_SAVED = "presence_cli.saved"
    ORGANISATIONS_CANNOT_EDITED_FIELDS = "organisations.cannot_edited_fields"
    ORGANISATIONS_CHANGE_ALREADY_REVERTED = "organisations.change_already_reverted"
    ORGANISATIONS_CHANGED_AGAIN_SINCE = "organisations.changed_again_since"
    ORGANISATIONS_MUST_LIST = "organisations.must_list"
    ORGANISATIONS_NAMES_SEVERAL_ORGANISATIONS = "organisations.names_several_organisations"
    ORGANISATIONS_NO_ORGANISATION_CALLED = "organisations.no_organisation_called"
    ORGANISATIONS_NOT_DATE = "organisations.not_date"
    ORGANISATIONS_ORGANISATION_ALREADY_MERGED = "organisations.organisation_already_merged"
    ORGANISATIONS_ORGANISATION_CANNOT_MERGED = "organisations.organisation_cannot_merged"
    ORGANISATIONS_ORGANISATION_CHANGED_SINCE = "organisations.organisation_changed_since"
    ORGANISATIONS_THERE_NO_ORGANISATION = "organisations.there_no_organisation"
    ORGANISATIONS_THERE_NO_REVERTIBLE = "organisations.there_no_revertible"
    POINT_INVALID_LATITUDE_LONGITUDE_NOT = "point.invalid.latitude_longitude_not"
    POINT_OUTSIDE_POINT_OUTSIDE_EVERY = "point.outside.point_outside_every"
    POPULATION_CANNOT_OPENED_CHECK = "population.cannot_opened_check"
    POPULATION_MISSING_NO_POPULATION_AREAS = "population.missing.no_population_areas"
    POPULATION_NO_CODE_COLUMN = "population.no_code_column"
    POPULATION_UNKNOWN_POPULATION_CODES_NOT = "population.unknown.population_codes_not"
    POPULATION_UNREADABLE_NOT_NUMBERS = "population.unreadable.not_numbers"
    PROJECT_CANNOT_READ = "project.cannot_read"
    PROJECT_DID_YOU_MEAN = "project.did_you_mean"
    PROJECT_EMPTY_CELL = "project.empty_cell"
    PROJECT_FIELD_ORGANISATION = "project.field.organisation"
    PROJECT_FIELD_SECTORS = "project.field.sectors"
    PROJECT_FIELD_ZONES = "project.field.zones"
    PROJECT_NAMES_SEVERAL_AREAS = "project.names_several_areas"
    PROJECT_NO_COLUMN_FOR = "project.no_column_for"
    PROJECT_NO_PROJECT_UNDER = "project.no_project_under"
    PROJECT_NOT_AMOUNT_WRITE = "project.not_amount_write"
    PROJECT_NOT_AREA = "project.not_area"
    PROJECT_NOT_DATE_WRITE = "project.not_date_write"
    PROJECT_NOT_KNOWN_SECTOR = "project.not_known_sector"
    PROJECT_NOT_PERIOD_WRITE = "project.not_period_write"
    PROJECT_ONE_PROJECT_PER = "project.one_project_per"
    PROJECT_OR = "project.or"
    PROJECT_PROJECT_ENDS_BEFORE = "project.project_ends_before"
    PROJECT_SHEET_EMPTY_GIVE = "project.sheet_empty_give"
    REGISTRY_SOURCE = "registry.source"
    REGISTRY_SOURCE_AS_OF = "registry.source_as_of"
    REMINDERS_NOT_PAGE_ADDRESS = "reminders.not_page_address"
    REPORT_COLUMN_COLUMN = "report.column.column"
    REPORT_COLUMN_COUNT = "report.column.count"
    REPORT_COLUMN_KIND = "report.column.kind"
    REPORT_COLUMN_MESSAGE = "report.column.message"
    REPORT_COLUMN_ROW = "report.column.row"
    REPORT_COLUMN_ROWS = "report.column.rows"
    REPORT_COLUMN_SEVERITY = "report.column.severity"
    REPORT_COLUMN_SUGGESTION = "report.column.suggestion"
    REPORT_COLUMN_VALUE = "report.column.value"
    REPORT_KIND_AREA_AMBIGUOUS = "report.kind.area_ambiguous"
    REPORT_KIND_AREA_CONFLICT = "report.kind.area_conflict"
    REPORT_KIND_AREA_FROM_FILE = "report.kind.area_from_file"
    REPORT_KIND_AREA_FUZZY = "report.kind.area_fuzzy"
    REPORT_KIND_AREA_MISSING = "report.kind.area_missing"
    REPORT_KIND_AREA_MOVED = "report.kind.area_moved"
    REPORT_KIND_AREA_OTHER_COUNTRY = "report.kind.area_other_country"
    REPORT_KIND_AREA_SPLIT = "report.kind.area_split"
    REPORT_KIND_AREA_SUGGESTION = "report.kind.area_suggestion"
    REPORT_KIND_AREA_UNKNOWN = "report.kind.area_unknown"
    REPORT_KIND_AREA_UNKNOWN_CODE = "report.kind.area_unknown_code"
    REPORT_KIND_AREA_UNKNOWN_NAME = "report.kind.area_unknown_name"
    REPORT_KIND_AREA_WRONG_COLUMN = "report.kind.area_wrong_column"
    REPORT_KIND_CELL_FORMULA_ERROR = "report.kind.cell_formula_error"
    REPORT_KIND_CELL_FORMULA_UNCOMPUTED = "report.kind.cell_formula_uncomputed"
    REPORT_KIND_FILE_PROVENANCE = "report.kind.file_provenance"
    REPORT_KIND_ORG_FUZZY = "report.kind.org_fuzzy"
    REPORT_KIND_ORG_MISSING = "report.kind.org_missing"
    REPORT_KIND_ORG_SUGGESTION = "report.kind.org_suggestion"
    REPORT_KIND_ORG_TYPES = "report.kind.org_types"
    REPORT_KIND_ORG_TYPES_UNKNOWN = "report.kind.org_types_unknown"
    REPORT_KIND_ORG_VARIANT = "report.kind.org_variant"
    REPORT_KIND_POINT_INVALID = "report.kind.point_invalid"
    REPORT_KIND_POINT_OUTSIDE = "report.kind.point_outside"
    REPORT_KIND_PRESENCE_UNKNOWN = "report.kind.presence_unknown"
    REPORT_KIND_ROW_DUPLICATE = "report.kind.row_duplicate"
    REPORT_KIND_SECTOR_MISSING = "report.kind.sector_missing"
    REPORT_KIND_SECTORS_FUZZY = "report.kind.sectors_fuzzy"
    REPORT_KIND_SECTORS_UNKNOWN = "report.kind.sectors_unknown"
    REPORT_KIND_COLUMN_CASES = "report.kind_column.cases"
    REPORT_KIND_COLUMN_EXAMPLE = "report.kind_column.example"
    REPORT_KIND_COLUMN_KIND = "report.kind_column.kind"
    REPORT_KIND_COLUMN_ROWS = "report.kind_column.rows"
    REPORT_KIND_COLUMN_SEVERITY = "report.kind_column.severity"
    REPORT_MEASURE = "report.measure"
    REPORT_SEVERITY_ERROR = "report.severity.error"
    REPORT_SEVERITY_INFO = "report.severity.info"
    REPORT_SEVERITY_WARNING = "report.severity.warning"
    REPORT_SHEET_KINDS = "report.sheet_kinds"
    REPORT_SHEET_PROBLEMS = "report.sheet_problems"
    REPORT_SHEET_SUMMARY = "report.sheet_summary"
    REPORT_SUMMARY_HEADER_ROW = "report.summary.header_row"
    REPORT_SUMMARY_ORGANISATIONS = "report.summary.organisations"
    REPORT_SUMMARY_ROWS_DUPLICATE = "report.summary.rows_duplicate"
    REPORT_SUMMARY_ROWS_KEPT = "report.summary.rows_kept"
    REPORT_SUMMARY_ROWS_READ = "report.summary.rows_read"
    REPORT_SUMMARY_ROWS_REJECTED = "report.summary.rows_rejected"
    REPORT_SUMMARY_SHEET = "report.summary.sheet"
    REPORT_SUMMARY_SOURCE = "report.summary.source"
    REPORT_VALUE = "report.value"
    REQUESTS_AT_MOST_ITEMS = "requests.at_most_items"
    REQUESTS_AT_MOST_PRESENCES = "requests.at_most_presences"
    REQUESTS_CHARACTERS_AT_MOST = "requests.characters_at_most"
    REQUESTS_CONTACT_EMAIL_MAIL = "requests.contact_email_mail"
    REQUESTS_MANY_REQUESTS_WERE = "requests.many_requests_were"
    REQUESTS_NOT_DECISION_APPROVED = "requests.not_decision_approved"
    REQUESTS_ORG_TYPE_NOT = "requests.org_type_not"
    REQUESTS_REQUEST_ALREADY = "requests.request_already"
    REQUESTS_REQUEST_ALREADY_REVERTED = "requests.request_already_reverted"
    REQUESTS_REQUEST_DECIDED_MEANWHILE = "requests.request_decided_meanwhile"
    REQUESTS_REQUEST_NOT_APPLIED = "requests.request_not_applied"
    REQUESTS_REQUIRED = "requests.required"
    REQUESTS_SAY_WHAT_IS_MISSING = "requests.say_what_is_missing"
    REQUESTS_THERE_NO_ORGANISATION = "requests.there_no_organisation"
    REQUESTS_THERE_NO_REQUEST = "requests.there_no_request"
    REQUESTS_UNKNOWN_CODE = "requests.unknown_code"
    REQUESTS_UNKNOWN_CONTACT_FIELDS = "requests.unknown_contact_fields"
    REQUESTS_UNKNOWN_FIELDS = "requests.unknown_fields"
    REQUESTS_UNKNOWN_MODE = "requests.unknown_mode"
    REQUESTS_UNKNOWN_SECTOR = "requests.unknown_sector"
    ROUNDS_NO_ID_RETURNED = "rounds.no_id_returned"
    ROUNDS_ORGANISATION_CHOSEN_NOT = "rounds.organisation_chosen_not"
    ROUNDS_ROUND_ALREADY_REVERTED = "rounds.round_already_reverted"
    ROUNDS_THERE_NO_ROUND = "rounds.there_no_round"
    ROUNDS_THESE_RECORDS_LACK = "rounds.these_records_lack"
    ROUNDS_HISTORY_THERE_NO_ROUND = "rounds_history.there_no_round"
    ROW_DUPLICATE_SAME_RECORD_ROW = "row.duplicate.same_record_row"
    ROW_LIST_ONE_PRESENCE_EACH = "row.list.one_presence_each"
    SECTOR_MISSING_FILE_NO_SECTOR = "sector.missing.file_no_sector"
    SHEETS_CSV_MALFORMED_SAVE = "sheets.csv_malformed_save"
    SHEETS_FILE_EMPTY_EXPORT = "sheets.file_empty_export"
    SHEETS_NEAR_LINE = "sheets.near_line"
    SHEETS_NOT_SPREADSHEET_NGOMAP = "sheets.not_spreadsheet_ngomap"
    SHEETS_PDF_NOT_SPREADSHEET = "sheets.pdf_not_spreadsheet"
    SHEETS_QUOTE_NEVER_CLOSED = "sheets.quote_never_closed"
    SHEETS_SHEET_CANNOT_READ = "sheets.sheet_cannot_read"
    SHEETS_THERE_NO_SHEET = "sheets.there_no_sheet"
    SHEETS_WORKBOOK_CANNOT_READ = "sheets.workbook_cannot_read"
    SHEETS_WORKBOOK_NO_SHEET = "sheets.workbook_no_sheet"
    SHEETS_WORKBOOK_PROTECTED = "sheets.workbook_protected"
    SHEETS_WORKBOOK_PROTECTED_OPEN_IN_EXCEL = "sheets.workbook_protected_open_in_excel"
    STATE_NEITHER_ROUND_NOR = "state.neither_round_nor"
    STATE_THERE_NO_ROUND = "state.there_no_round"
    SUBSCRIBE_THERE_NO_SUBSCRIPTION = "subscribe.there_no_subscription"
    SUBSCRIBE_UNKNOWN_AREAS_USE = "subscribe.unknown_areas_use"
    THREEW_CANNOT_OPENED_CHECK = "threew.cannot_opened_check"
    THREEW_EMPTY_EXPORT_SHEET = "threew.empty_export_sheet"
    THREEW_NO_COLUMN_RECOGNISED = "threew.no_column_recognised"
    THREEW_SHEET_NAMED = "threew.sheet_named"
    VALIDATE_KEPT_AS = "validate.kept_as"
    VALIDATE_KEPT_AS_IS = "validate.kept_as_is"
    VALIDATE_UNKNOWN_VALUE = "validate.unknown_value"
    VALIDATE_UNKNOWN_VALUE_SUGGESTED = "validate.unknown_value_suggested"
    VALIDATE_VALUE_READ_AS = "validate.value_read_as"
    VALIDATE_WORD_ORG_TYPES = "validate.word.org_types"
    VALIDATE_WORD_PRESENCE = "validate.word.presence"
    VALIDATE_WORD_SECTORS = "validate.word.sectors"
    VIEWS_FRESHNESS_UNAVAILABLE = "views.freshness_unavailable"
    VIEWS_NEEDS_REGISTRY = "views.needs_registry"
    VIEWS_UNKNOWN_CHOICE = "views.unknown_choice"
    VOCAB_ALIAS_FILE_NOT_FOUND = "vocab.alias_file_not_found"
    VOCAB_ALIAS_TARGET_UNKNOWN = "vocab.alias_target_unknown"
    VOCAB_ALIAS_WORD_ORG_TYPES = "vocab.alias_word.org_types"
    VOCAB_ALIAS_WORD_PRESENCE = "vocab.alias_word.presence"
    VOCAB_ALIAS_WORD_SECTORS = "vocab.alias_word.sectors"
    VOCAB_FILE_NO_ALIAS = "vocab.file_no_alias"
    VOCAB_NO_ALIAS_NAME = "vocab.no_alias_name"
    VOCAB_NOT_CSV_FILE = "vocab.not_csv_file"
    VOCAB_NOT_CSV_TEXT = "vocab.not_csv_text"
    VOCAB_ORGANISATION_ALIAS_FILE = "vocab.organisation_alias_file"


class EnFr(TypedDict):
    """A message in both languages, as keyword arguments (``log.add(..., **en_fr(...))``)."""

    en: str
    fr: str


@dataclass(frozen=True)
class Text:
    """A message not yet put in a language: its kind and its parameters."""

    kind: Msg
    params: Mapping[str, object] = field(default_factory=dict)

    def __call__(self, lang: str) -> str:
        return text(self.kind, lang, **self.params)


def capitalised(value: Text) -> Callable[[str], str]:
    """``value`` with a capital first letter, for a phrase that opens a sentence."""

    def first_upper(lang: str) -> str:
        said = value(lang)
        return said[:1].upper() + said[1:]

    return first_upper


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang``, by its dotted kind."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {LANGS}")
    with (I18N_DIR / f"messages.{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def text(kind: Msg, lang: str, /, **params: object) -> str:
    """The message ``kind`` in ``lang`` ("fr" or "en"), with its ``{placeholders}`` filled in.

    A parameter that is a ``Text`` or another callable is called with ``lang`` first.
    """
    filled = {k: v(lang) if callable(v) else v for k, v in params.items()}
    return catalogue(lang)[kind].format(**filled)


def pair(kind: Msg, /, **params: object) -> tuple[str, str]:
    """The message in English and in French, in that order (``NgomapError(*pair(...))``)."""
    return text(kind, "en", **params), text(kind, "fr", **params)


def en_fr(kind: Msg, /, **params: object) -> EnFr:
    """The message in both languages as ``en=`` and ``fr=`` keyword arguments."""
    english, french = pair(kind, **params)
    return EnFr(en=english, fr=french)
