"""Attribute names: an identity provider sends ``urn:oid:`` names (SAML2 URI format), which
pysaml2 turns into friendly names for the ones it knows; SupAnn's (the French higher
education schema, Renater) it does not know, so a mapping may name either form."""

# Friendly name -> OID, for the attributes the README lists (eduPerson, inetOrgPerson, SupAnn).
KNOWN_OIDS = {
    "eduPersonPrincipalName": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
    "eduPersonTargetedID": "urn:oid:1.3.6.1.4.1.5923.1.1.1.10",
    "eduPersonUniqueId": "urn:oid:1.3.6.1.4.1.5923.1.1.1.13",
    "mail": "urn:oid:0.9.2342.19200300.100.1.3",
    "givenName": "urn:oid:2.5.4.42",
    "sn": "urn:oid:2.5.4.4",
    "displayName": "urn:oid:2.16.840.1.113730.3.1.241",
    "supannCodeINE": "urn:oid:1.3.6.1.4.1.7135.1.2.1.9",
    "supannEtuId": "urn:oid:1.3.6.1.4.1.7135.1.2.1.10",
    "supannEmpId": "urn:oid:1.3.6.1.4.1.7135.1.2.1.11",
}
_BY_OID = {oid: name for name, oid in KNOWN_OIDS.items()}


def first_value(ava: dict, name: str) -> str:
    """The first value of attribute ``name`` in pysaml2's attribute dict, whichever of its
    friendly name or OID the mapping gives and the identity provider sent; "" if absent."""
    if not name:
        return ""
    lowered = {key.lower(): values for key, values in ava.items()}
    for key in (name, KNOWN_OIDS.get(name, ""), _BY_OID.get(name, "")):
        values = lowered.get(key.lower()) if key else None
        if values:
            value = values[0] if isinstance(values, (list, tuple)) else values
            return str(value).strip()
    return ""
