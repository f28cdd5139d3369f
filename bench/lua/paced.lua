-- Scenario (a2): the hot lead of (a), but every connection waits BENCH_DELAY_MS (default 2) after
-- each answer before asking again, so every server gets about the same offered load, below what
-- any of them saturates at. With wrk's closed loop at full speed, a server's latency depends on its
-- own throughput (64 connections / req/s); paced, p99 compares the servers' own added latency.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "2")
delay = function()
  return pause
end
