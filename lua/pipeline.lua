-- HTTP/1.1 pipelining for wrk, as in the TechEmpower plaintext test.
--
--   wrk -t1 -c256 -d10s -s lua/pipeline.lua http://127.0.0.1:8080/plaintext -- 16
--
-- Every write carries DEPTH requests back to back (first script argument, default 16).
-- wrk counts the requests in the returned string once at start-up and waits for that many
-- responses before writing again, so the batch must be the same on every call.

local DEFAULT_DEPTH = 16

local batch

function init(args)
  local depth = DEFAULT_DEPTH
  if args[1] ~= nil then
    depth = tonumber(args[1])
    if depth == nil or depth < 1 or depth % 1 ~= 0 then
      error("pipeline depth must be a positive integer, got '" .. tostring(args[1]) .. "'")
    end
  end
  -- wrk.format(nil, path) takes the method and the headers given with -H (Host, Accept,
  -- Connection for TechEmpower) from wrk's defaults, so each request is exactly what a
  -- plain run would send.
  local one = wrk.format(nil, wrk.path)
  local requests = {}
  for i = 1, depth do
    requests[i] = one
  end
  batch = table.concat(requests)
end

function request()
  return batch
end
