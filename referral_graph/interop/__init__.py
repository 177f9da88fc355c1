"""Interoperability: FHIR R4 export of referrals, HSDS 3.0 directory exchange and
spreadsheet import of the directory."""
