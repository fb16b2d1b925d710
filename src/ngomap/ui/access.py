"""Who is at the page and which page they see: sign-in, role, and the page choice.

Without any account configured the person at the keyboard is the single local editor
(who also reviews the requests: nobody else could), and the sidebar says so. With
accounts: Streamlit's ``st.login`` (OpenID Connect) when the deployment configures
``[auth]`` in ``.streamlit/secrets.toml``, roles from the registry's accounts and domain
rules; else a local e-mail and password form (argon2, lock-out). Everyone else is a
public visitor: the map's public fields, the directory and the request form.

``navigation`` runs first on every run (app.py), so every panel drawn after it can ask
``allowed(action)`` about the person of this run, never of the run before.
"""

from __future__ import annotations

import importlib.util
import uuid
from dataclasses import dataclass
from typing import Any, Final

import streamlit as st
from sqlalchemy import Engine

from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import t
from ngomap.registry import accounts as ac
from ngomap.registry.db import database_url
from ngomap.registry.setup import ready_engine
from ngomap.ui.text import plain

MAP, DIRECTORY, REQUEST, REVIEW, ACCOUNTS = "map", "directory", "request", "review", "accounts"


@dataclass(frozen=True)
class Person:
    """Who uses the page: their e-mail (or "local"), their role; ``local``: the single local
    editor of a deployment without accounts."""

    who: str
    role: str
    local: bool = False

    def may(self, action: str) -> bool:
        """Whether this person may ``action`` (see ``accounts.ACTIONS``)."""
        return ac.can(self.role, action, open_mode=self.local)


LOCAL_EDITOR: Final = Person("local", ac.LOCAL_ROLE, local=True)
PUBLIC_VISITOR: Final = Person("", ac.PUBLIC)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return ready_engine(url)


def engine() -> Engine:
    """The registry of this deployment ($NGOMAP_DATABASE_URL, else the default file)."""
    return _engine(database_url(None))


def session_id() -> str:
    """A random id for this browser session (the rate limit of requests counts on it)."""
    if "request_session" not in st.session_state:
        st.session_state["request_session"] = uuid.uuid4().hex
    return str(st.session_state["request_session"])


def client_address() -> str:
    """The client's address as Streamlit sees it ("" when unknown)."""
    address: Any = getattr(st.context, "ip_address", None)
    return str(address or "")


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, NgomapError):
        return False
    except Exception:
        return False


def person(lang: str) -> Person:
    """The person at the page, signing in from the sidebar when accounts exist."""
    registry = engine()
    if ac.auth_mode(registry) == ac.OPEN:
        # One short line, the rest on hover: at 1366x768 the view and its filters come first.
        st.sidebar.caption(t("open_mode_short", lang), help=t("open_mode", lang))
        return LOCAL_EDITOR  # one person keeps the registry: edits, and reviews the requests
    signed = st.session_state.get("account")
    if isinstance(signed, Person):
        st.sidebar.caption(
            plain(t("signed_in_as", lang, who=signed.who, role=t(f"role_{signed.role}", lang)))
        )
        if st.sidebar.button(t("sign_out", lang), key="sign_out"):
            del st.session_state["account"]
            st.rerun()
        return signed
    if _oidc_configured() and importlib.util.find_spec("authlib") is None:
        st.sidebar.warning(t("oidc_missing_authlib", lang))  # st.login would fail
    elif _oidc_configured():
        user: Any = st.user
        if getattr(user, "is_logged_in", False) and getattr(user, "email", None):
            found = oidc_person(registry, user)
            st.session_state["account"] = found
            return found
        if st.sidebar.button(t("sign_in_oidc", lang), key="sign_in_oidc"):
            st.login()
    with st.sidebar.expander(t("sign_in", lang)), st.form("sign_in_form"):
        email = st.text_input(t("sign_in_email", lang), key="sign_in_email", max_chars=254)
        password = st.text_input(
            t("sign_in_password", lang), type="password", key="sign_in_password", max_chars=200
        )
        if st.form_submit_button(t("sign_in_button", lang)):
            try:
                role = ac.login(registry, email, password)
            except ac.LoginError as exc:
                st.error(plain(exc.message(lang)))
            else:
                st.session_state["account"] = Person(email.strip().lower(), role)
                st.rerun()
    st.sidebar.caption(t("public_visitor", lang))
    return PUBLIC_VISITOR


def oidc_person(registry: Engine, user: Any) -> Person:
    """The person an identity provider signed in (``st.user``): their e-mail, and the role
    their account or domain rule gives; an e-mail the provider has not verified is a viewer."""
    email = str(user.email)
    verified = getattr(user, "email_verified", None) is not False
    return Person(email.strip().lower(), ac.role_for_email(registry, email, verified=verified))


def pages_for(someone: Person) -> list[str]:
    """The pages this person may open, in the sidebar's order."""
    pages = [MAP, DIRECTORY, REQUEST]
    if someone.may("review"):
        pages.append(REVIEW)
    if someone.may("accounts") and not someone.local:
        pages.append(ACCOUNTS)
    return pages


def navigation(lang: str) -> Person:
    """Who is at the page (signing in from the sidebar when accounts exist) and the page
    they chose; called first on every run, so that ``allowed`` speaks of this run."""
    someone = person(lang)
    st.session_state["person"] = someone
    pages = pages_for(someone)
    names = {
        MAP: t("page_map", lang),
        DIRECTORY: t("page_directory", lang),
        REQUEST: t("page_request", lang),
        REVIEW: t("page_review", lang),
        ACCOUNTS: t("page_accounts", lang),
    }
    wanted = st.session_state.pop("_url_page", None)  # a link (?page=request&org=12) opens it
    if wanted in pages:
        st.session_state["page"] = wanted
    if st.session_state.get("page") not in pages:
        st.session_state["page"] = MAP
    st.sidebar.radio(t("page_choice", lang), pages, format_func=names.__getitem__, key="page")
    return someone


def other_page(lang: str, boundaries: Boundaries) -> bool:
    """Show the directory, the request form, the review queue or the accounts when chosen;
    True when one was shown (the map page then stops)."""
    someone = current()
    page = st.session_state.get("page", MAP)
    if page not in pages_for(someone):
        return False
    if page == DIRECTORY:
        from ngomap.ui import directory

        directory.page(engine(), boundaries, someone, lang)
        return True
    if page == REQUEST:
        from ngomap.ui import request_form

        request_form.page(engine(), boundaries, lang)
        return True
    if page == REVIEW:
        from ngomap.ui import review

        review.page(engine(), someone, lang)
        return True
    if page == ACCOUNTS:
        from ngomap.ui import accounts_page

        accounts_page.page(engine(), someone, lang)
        return True
    return False


def current() -> Person:
    """The person ``navigation`` found on this run (a public visitor before it ran)."""
    someone = st.session_state.get("person")
    return someone if isinstance(someone, Person) else PUBLIC_VISITOR


def allowed(action: str) -> bool:
    """Whether the person at the page may ``action`` (see ``accounts.ACTIONS``): every panel
    asks before it shows an action (import a round, apply, revert, edit, review, accounts,
    keep boundary files), and the action's own code asks again."""
    return current().may(action)
