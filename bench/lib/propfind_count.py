#!/usr/bin/env python3
"""propfind_count.py URL ENTRIES USER PASSWORD: exit 0 when a Depth-1 PROPFIND of the folder URL
answers 207 with one DAV:response for the folder and one for each of its ENTRIES members, each
with a getcontentlength or a collection resourcetype; else print why and exit 1. Run outside
the timed interval (measure.py --check), so a fast wrong answer never counts."""
import base64, sys, urllib.request
import xml.etree.ElementTree as ET

url, entries, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
body = (b'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>'
        b'<D:resourcetype/><D:getcontentlength/></D:prop></D:propfind>')
req = urllib.request.Request(url, data=body, method="PROPFIND", headers={
    "Depth": "1", "Content-Type": "application/xml",
    "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()})
with urllib.request.urlopen(req, timeout=300) as reply:
    status, text = reply.status, reply.read()
if status != 207:
    sys.exit(f"PROPFIND {url}: status {status}, not 207")
responses = ET.fromstring(text).findall("{DAV:}response")
described = [r for r in responses
             if r.find(".//{DAV:}getcontentlength") is not None or r.find(".//{DAV:}collection") is not None]
if len(responses) != entries + 1 or len(described) != entries + 1:
    sys.exit(f"PROPFIND {url}: {len(responses)} responses ({len(described)} with a size or a "
             f"collection type), expected {entries + 1}")
