vcl 4.1;
# Varnish doing the proxy's job, for the benchmark only (bench/run.sh fills in @...@).
# Same route, 30 s TTL for 200 (10 s for 404), no grace (a copy past its TTL is refetched, as
# the proxy does), the Coldsend key injected upstream, callers' own credentials dropped.
# Varnish collapses concurrent misses for one object on its own (request coalescing).

backend coldsend {
    .host = "127.0.0.1";
    .port = "@UPSTREAM_PORT@";
}

sub vcl_recv {
    if (req.method != "GET" && req.method != "HEAD") {
        return (synth(405));
    }
    if (req.url !~ "^/api/public/v1/campaigns/[0-9a-fA-F-]{36}/leads/[0-9a-fA-F-]{36}$") {
        return (synth(404));
    }
    unset req.http.X-API-Key;
    unset req.http.Authorization;
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_fetch {
    set bereq.http.X-API-Key = "@API_KEY@";
}

sub vcl_backend_response {
    if (beresp.status == 200) {
        set beresp.ttl = 30s;
    } else if (beresp.status == 404) {
        set beresp.ttl = 10s;
    } else {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
    }
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
