"""The administrators' page: accounts and their roles, domain rules for OpenID Connect."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from ngomap.errors import NgomapError
from ngomap.i18n import t
from ngomap.registry import accounts as ac
from ngomap.ui.access import Person
from ngomap.ui.text import plain


def page(engine: Engine, someone: Person, lang: str) -> None:
    """Every account and rule; add an account or a rule (admins only)."""
    st.title(t("page_accounts", lang))
    if not someone.may("accounts") or someone.local:
        role = t(f"role_{someone.role}", lang) if someone.role in ac.ROLES else someone.role
        st.error(t("not_allowed", lang, role=role))
        return
    rows = ac.listing(engine)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    with st.form("account_add"):
        email = st.text_input(t("sign_in_email", lang), key="account_email", max_chars=254)
        role = st.selectbox(
            t("account_role", lang),
            ac.ROLES,
            format_func=lambda r: t(f"role_{r}", lang),
            key="account_role",
        )
        password = st.text_input(
            t("sign_in_password", lang), type="password", key="account_password", max_chars=200
        )
        if st.form_submit_button(t("account_add", lang)):
            try:
                ac.add(engine, email, role=str(role), password=password or None, replace=True)
            except NgomapError as exc:
                st.error(plain(exc.message(lang)))
            else:
                st.rerun()
    with st.form("domain_add"):
        domain = st.text_input(t("account_domain", lang), key="account_domain", max_chars=254)
        role = st.selectbox(
            t("account_role", lang),
            ac.ROLES,
            format_func=lambda r: t(f"role_{r}", lang),
            key="account_domain_role",
        )
        if st.form_submit_button(t("account_domain_add", lang)):
            try:
                ac.set_domain_rule(engine, domain, role=str(role))
            except NgomapError as exc:
                st.error(plain(exc.message(lang)))
            else:
                st.rerun()
