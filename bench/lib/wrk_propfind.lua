-- wrk: PROPFIND with Depth 1 of one folder (wrk's first script argument, after --: "/dav/d1000/"
-- for Apache, "/files/d1000/" for netdiskd), asking for the properties a file manager or
-- rclone reads for each entry. Basic credentials come with wrk -H "Authorization: Basic ...".
local path = "/"
init = function(args)
  if args[1] ~= nil then path = args[1] end
end
wrk.method = "PROPFIND"
wrk.headers["Depth"] = "1"
wrk.headers["Content-Type"] = "application/xml; charset=utf-8"
wrk.body = '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>' ..
  '<D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/>' ..
  '<D:getcontenttype/></D:prop></D:propfind>'
request = function()
  return wrk.format(nil, path)
end
