-- Scenarios (c) and (e): a lead never asked for before on every request (a miss everywhere).
-- BENCH_PREFIX (8 hex digits) keeps runs and servers apart; the counter makes the ids unique.
-- For filling a cache in chunks: BENCH_START continues where the last chunk stopped, and
-- BENCH_LIMIT (optional) stops the counter there, so no more than that many leads are asked for.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local prefix = os.getenv("BENCH_PREFIX")
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
local n = tonumber(os.getenv("BENCH_START") or "0")
request = function()
  n = n + 1
  if limit > 0 and n > limit then n = limit end
  local id = string.format("%s-0000-4000-8000-%012x", prefix, n)
  return wrk.format("GET", "/api/public/v1/campaigns/" .. prefix .. "-1111-4111-8111-111111111111/leads/" .. id)
end
