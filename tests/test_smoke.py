from django.test import Client


def test_login_page_is_chinese_by_default(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get("/registry/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
