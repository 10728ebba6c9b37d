-- wrk: GET /files/small/f0000 .. f0999 in turn (4 KiB files in netdiskd's user folder); the
-- Basic credentials come with wrk -H "Authorization: Basic ...", as curl -u or rclone send them.
local counter = 0
request = function()
  local path = string.format("/files/small/f%04d", counter)
  counter = (counter + 1) % 1000
  return wrk.format(nil, path)
end
