-- Scenario (a): every request asks for the same lead (the path given in the wrk URL).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")
