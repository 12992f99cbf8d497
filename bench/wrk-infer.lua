-- wrk script: POST one JSON inference request for the "tiny" model (./cotenant repo DIR --zoo tiny).
-- Usage: wrk -t2 -c8 -d10s -s bench/wrk-infer.lua --latency http://127.0.0.1:8000/v2/models/tiny/infer
-- wrk prints "Non-2xx or 3xx responses: N" when any answer was not a 200 (503: refused by
-- admission control).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32",' ..
  '"data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}'
