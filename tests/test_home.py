def test_home_page_links_to_the_api_docs(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/api/docs/" in response.content


def test_home_page_speaks_french_when_asked(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert b'lang="fr"' in response.content
