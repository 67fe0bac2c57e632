import pytest

pytestmark = pytest.mark.django_db


def test_a_bad_host_header_is_a_400_page_not_a_500(client):
    response = client.get("/zones/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_home_and_about(client):
    assert "Social Innovation Zones" in client.get("/").content.decode()
    assert "Open Government Licence" in client.get("/about/").content.decode()
