-- wrk script for bench/compare.sh: the chat request of post.lua, streaming when STREAM=1, and with Portkey's
-- routing headers when PORTKEY_CUSTOM_HOST is set (Portkey is pointed at the mock upstream per request).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
local host = os.getenv("PORTKEY_CUSTOM_HOST")
if host and host ~= "" then
  wrk.headers["x-portkey-provider"] = "openai"
  wrk.headers["x-portkey-custom-host"] = host
end
local stream = os.getenv("STREAM") == "1" and ',"stream":true' or ''
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},'
  .. '{"role":"user","content":"Hello! Say hi back."}],"temperature":0.2,"max_tokens":64' .. stream .. '}'
