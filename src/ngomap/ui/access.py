"""Who is at the page and which page they see: sign-in, role, and the page choice.

Without any account configured the person at the keyboard is the single local editor
(who also reviews the requests: nobody else could), and the sidebar says so. With
accounts: Streamlit's ``st.login`` (OpenID Connect) when the deployment configures
``[auth]`` in ``.streamlit/secrets.toml``, roles from the registry's accounts and domain
rules; else a local e-mail and password form (argon2, lock-out). Everyone else is a
public visitor: the map's public fields and the request form.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from ngomap.areas.boundaries import Boundaries
from ngomap.errors import NgomapError
from ngomap.i18n import t
from ngomap.registry import accounts as ac
from ngomap.registry.db import database_url
from ngomap.registry.setup import ready_engine
from ngomap.ui.text import plain

MAP, REQUEST, REVIEW, ACCOUNTS = "map", "request", "review", "accounts"


@dataclass(frozen=True)
class Person:
    """Who uses the page: their e-mail (or "local"), their role."""

    who: str
    role: str


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
        st.sidebar.caption(t("open_mode", lang))
        return Person("local", ac.VALIDATOR)  # one person keeps the registry: edits and reviews
    signed = st.session_state.get("account")
    if isinstance(signed, Person):
        st.sidebar.caption(
            plain(t("signed_in_as", lang, who=signed.who, role=t(f"role_{signed.role}", lang)))
        )
        if st.sidebar.button(t("sign_out", lang), key="sign_out"):
            del st.session_state["account"]
            st.rerun()
        return signed
    if _oidc_configured():
        user: Any = st.user
        if getattr(user, "is_logged_in", False) and getattr(user, "email", None):
            found = Person(str(user.email), ac.role_for_email(registry, str(user.email)))
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
    return Person("", ac.PUBLIC)


def choose_page(lang: str) -> tuple[str, Person]:
    """The page chosen in the sidebar (the review queue only for validators)."""
    someone = person(lang)
    pages = [MAP, REQUEST]
    if ac.can(someone.role, "review"):
        pages.append(REVIEW)
    if ac.can(someone.role, "accounts") and ac.auth_mode(engine()) != ac.OPEN:
        pages.append(ACCOUNTS)
    names = {
        MAP: t("page_map", lang),
        REQUEST: t("page_request", lang),
        REVIEW: t("page_review", lang),
        ACCOUNTS: t("page_accounts", lang),
    }
    if st.session_state.get("page") not in pages:
        st.session_state["page"] = MAP
    chosen = st.sidebar.radio(
        t("page_choice", lang), pages, format_func=names.__getitem__, key="page"
    )
    return str(chosen), someone


def other_page(lang: str, boundaries: Boundaries) -> bool:
    """Show the request form or the review queue when chosen; True when one was shown (the
    map page then stops)."""
    page, someone = choose_page(lang)
    st.session_state["person"] = someone
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


def allowed(action: str) -> bool:
    """Whether the person at the page may ``action`` (see ``accounts.ACTIONS``): for the
    other panels (import a round, edit an organisation) to ask before showing an action."""
    someone = st.session_state.get("person")
    return isinstance(someone, Person) and ac.can(someone.role, action)
