-- Like post.lua, but every request asks something different, so a response cache misses (and stores)
-- every time: the plugin benchmark measures the cache's cost, not its hits.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
local counter = 0
request = function()
  counter = counter + 1
  local body = '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},'
    .. '{"role":"user","content":"Hello! Say hi back. ' .. counter .. '"}],"temperature":0.2,"max_tokens":64}'
  return wrk.format(nil, nil, nil, body)
end
