"""``ngomap app`` gives Streamlit every setting a public server needs that Streamlit has.

Streamlit has no setting that closes /_stcore/metrics; the README says how to refuse it at
the reverse proxy, and the address keeps the app behind that proxy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config

from ngomap.serve import PUBLIC_SETTINGS, streamlit_command

REPO = Path(__file__).resolve().parents[1]


def test_the_launcher_passes_every_public_setting() -> None:
    command = streamlit_command("python", "app.py", port=8600, upload_limit_mb=50)
    assert command[:5] == ["python", "-m", "streamlit", "run", "app.py"]
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.port"] == "8600"
    assert flags["--server.maxUploadSize"] == "50"
    for key, value in PUBLIC_SETTINGS.items():
        assert flags[f"--{key}"] == value, key


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("server.address", "127.0.0.1"),
        ("browser.gatherUsageStats", "false"),
        ("client.showErrorDetails", "none"),
        ("client.toolbarMode", "viewer"),
        ("server.enableExpensiveMemoryStats", "false"),
        ("global.developmentMode", "false"),
    ],
)
def test_what_a_public_server_must_not_show_is_closed(key: str, value: str) -> None:
    assert PUBLIC_SETTINGS[key] == value


@pytest.mark.parametrize("key", sorted(PUBLIC_SETTINGS))
def test_each_setting_is_one_streamlit_knows(key: str) -> None:
    assert key in config.get_config_options()  # a misspelt flag would stop `streamlit run`


def test_no_user_attribute_is_published_in_the_metrics() -> None:
    assert config.get_config_options()["server.unsafeMetricsUserAttributes"].default_val in (
        [],
        None,
    )
    assert "unsafeMetricsUserAttributes" not in (REPO / ".streamlit" / "config.toml").read_text()
    assert "unsafeMetricsUserAttributes" not in " ".join(PUBLIC_SETTINGS)


def test_streamlit_still_has_no_setting_for_the_metrics_endpoint() -> None:
    """When a Streamlit release adds one, this fails: set it, and update the README."""
    names = [k for k in config.get_config_options() if "metrics" in k.lower()]
    assert names == ["server.unsafeMetricsUserAttributes"]


def test_the_readme_says_how_to_refuse_the_metrics_at_the_proxy() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "location = /_stcore/metrics { return 404; }" in readme  # nginx
    assert "respond /_stcore/metrics 404" in readme  # Caddy
