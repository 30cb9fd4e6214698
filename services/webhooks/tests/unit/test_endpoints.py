import pytest

from servicekit.domain_errors import ValidationFailed
from webhooks.domain.endpoints import check_endpoint_url


@pytest.mark.parametrize(
    "url", ["https://jobcenter.stevns.dk/hooks", "https://10.0.0.5:8443/x", "https://[2001:db8::1]/h"]
)
def test_https_is_accepted(url: str) -> None:
    assert check_endpoint_url(url, allow_loopback_http=False) == url


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hooks", "http://localhost/hooks", "http://[::1]:8080/h"])
def test_loopback_http_is_accepted_only_when_development_allows_it(url: str) -> None:
    assert check_endpoint_url(url, allow_loopback_http=True) == url
    with pytest.raises(ValidationFailed):
        check_endpoint_url(url, allow_loopback_http=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://jobcenter.stevns.dk/hooks",
        "http://10.0.0.5/hooks",
        "ftp://example.dk/x",
        "jobcenter.stevns.dk/hooks",
        "https://user:pw@example.dk/x",
        "http://127.0.0.1.example.dk/x",
    ],
)
def test_anything_else_is_refused_naming_url(url: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_endpoint_url(url, allow_loopback_http=True)
    assert [e.field for e in refused.value.errors] == ["url"]
