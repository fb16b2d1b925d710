"""Error types: every problem a user can fix is an NgomapError, in French and English."""

from __future__ import annotations


class NgomapError(Exception):
    """A problem the user can fix (a bad file, an unknown code, a wrong option).

    The message is one or two sentences saying what is wrong and what to do, in English
    (``str(error)``) and in French (``error.message("fr")``), taken from the catalogue:
    ``InputFileError(*messages.pair(Msg.X, name=...))``.
    """

    def __init__(self, en: str, fr: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.fr = fr if fr is not None else en

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with both languages (a worker process sends its errors back)."""
        return (self.__class__, (self.en, self.fr))

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("fr" or "en")."""
        return self.fr if lang == "fr" else self.en


class InputFileError(NgomapError):
    """A data file that cannot be read or used."""


class BoundaryError(NgomapError):
    """A boundary file that cannot be read or used."""
