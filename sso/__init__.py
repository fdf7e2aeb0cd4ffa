"""Single sign-on (SAML 2.0, djangosaml2 and pysaml2): each school's identity providers, its
own service provider (entity id, metadata, ACS, single logout) built per request, and the
just-in-time creation of its members. An identity provider signs in members of the school
that registered it only."""
