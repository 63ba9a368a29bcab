"""Commands for the differential test against real curl (tests/test_curl_differential.py).

`{U}` stands for the recording server's URL (http://127.0.0.1:PORT) and `{H}` for its
host:port; files named in `@…` arguments are made by the test in the folder curl runs in
(see FILES). Written by hand to cover: every option the reader implements, every quoting form
of a POSIX shell, the shapes of Chrome's and Firefox's "Copy as cURL", the vendor documents'
own examples, typographic and awkward characters, and commands curl or the console refuse.
"""

FILES = {
    "body.json": b'{"customUserId": "1",\r\n "customEventName": "levelUp"}\n',
    "form.txt": b"a=1&b=x y\n",
    "headers.txt": b"X-From-File: 1\nX-Second: two words\n",
    "binary.bin": bytes(range(256)),
    "note.txt": "caf\u00e9 \u2013 \u201cquoted\u201d\n".encode(),
}

COMMANDS = [
    # -- methods and the URL ----------------------------------------------------------------
    "curl {U}/plain",
    "curl '{U}/quoted'",
    'curl "{U}/double"',
    "curl -X POST {U}/post-no-body",
    "curl -X PUT {U}/put -d x",
    "curl -X post {U}/lower-method",
    "curl --request PATCH {U}/patch --data-raw '{{}}'",
    "curl -I {U}/head",
    "curl --head {U}/head-long",
    "curl {H}/no-scheme",
    "curl {H}/no-scheme?q=1 -d a=1",
    "curl --url {U}/url-option",
    "curl '{U}/a/../b/./c'",
    "curl --path-as-is '{U}/a/../b'",
    "curl '{U}/frag#part'",
    "curl '{U}/caf\u00e9/\u00fc?q=\u00e4'",
    "curl '{U}/{{one}}'",
    "curl '{U}/a b'",
    "curl '{U}/{{a,b}}'",
    "curl '{U}/[1-3]'",
    "curl -g '{U}/not-globbed'",
    "curl {U}/one {U}/two",
    "curl ftp.example.com/file",
    # -- data ---------------------------------------------------------------------------------
    "curl {U}/d -d a=1 -d b=2",
    "curl {U}/data --data 'x=1'",
    "curl {U}/ascii --data-ascii 'x=1'",
    "curl {U}/binary --data-binary 'x=1'",
    "curl {U}/raw --data-raw '@not-a-file'",
    "curl {U}/empty -d ''",
    "curl {U}/json --json '{{\"a\": 1}}'",
    "curl {U}/json2 --json '{{\"a\":' --json '1}}'",
    "curl {U}/mixed -d a --json b",
    "curl {U}/mixed2 --json a -d b",
    "curl {U}/json-ct -H 'Content-Type: text/plain' --json '{{}}'",
    "curl {U}/urlenc --data-urlencode 'b=x y&z'",
    "curl {U}/urlenc2 --data-urlencode '=x y' --data-urlencode 'plain text'",
    "curl {U}/urlenc3 --data-urlencode 'name@note.txt'",
    "curl {U}/urlenc4 --data-urlencode '@form.txt'",
    "curl {U}/file -d @body.json",
    "curl {U}/file-binary --data-binary @body.json",
    "curl {U}/file-json --json @body.json",
    "curl {U}/file-bin --data-binary @binary.bin",
    "curl {U}/missing -d @no-such-file.json",
    "curl {U}/get -G -d a=1 --data-urlencode 'b=x y'",
    "curl '{U}/get2?x=1' -G -d b=2",
    "curl {U}/get-post -d a -G -X POST",
    "curl {U}/query --url-query 'q=a b' --url-query '+raw=a%20b'",
    "curl -I {U}/head-data -d x",
    "curl {U}/typographic --data-raw '{{\"label\": \"O\u2019Brien \u2013 \u2212 \u201chi\u201d \u2014 caf\u00e9 \U0001f600\"}}'",
    "curl {U}/dollar --data-raw '{{\"price\": \"$5\", \"tick\": \"`x`\", \"bs\": \"a\\\\b\"}}'",
    "curl {U}/newline --data-raw 'line1\nline2'",
    "curl {U}/json-body -H 'Content-Type: application/json' -d '{{\"customUserId\": \"1\"}}'",
    # -- headers --------------------------------------------------------------------------------
    "curl {U}/h -H 'X-One: 1' -H 'X-Two:  spaced  '",
    "curl {U}/h-empty -H 'X-Empty;'",
    "curl {U}/h-remove -H 'Accept:' -H 'User-Agent:'",
    "curl {U}/h-remove-ct -H 'Content-Type:' -d x",
    "curl {U}/h-file -H @headers.txt",
    "curl {U}/h-dup -H 'X-Dup: 1' -H 'X-Dup: 2'",
    "curl {U}/h-host -H 'Host: other.example'",
    "curl {U}/h-nocolon -H 'NoColon'",
    "curl {U}/ua -A 'agent/1.0'",
    "curl {U}/ua-empty -A ''",
    "curl {U}/ua-header -H 'User-Agent: x' -A y",
    "curl {U}/ref -e 'http://r.example/;auto'",
    "curl {U}/ref2 --referer https://r.example/page",
    "curl {U}/cookie -b 'a=b; c'",
    "curl {U}/cookies -b a=1 -b c=2",
    "curl {U}/cookie-file -b cookies.txt",
    "curl {U}/user -u user:pa:ss",
    "curl {U}/user-long --user 'name:secret word'",
    "curl {U}/user-nopass -u user",
    "curl {U}/bearer --oauth2-bearer tok",
    "curl {U}/basic --basic -u a:b",
    "curl {U}/digest --digest -u a:b",
    "curl {U}/form -F a=1",
    "curl {U}/compressed --compressed",
    # -- short options combined and attached -----------------------------------------------
    "curl -sX POST {U}/sX",
    "curl -sXPOST {U}/sXattached",
    "curl -kd a=1 {U}/kd",
    "curl {U}/d-attached -d'{{\"a\": 1}}'",
    "curl {U}/H-attached -H'X-Att: y'",
    "curl {U}/u-attached -uuser:pass",
    "curl -sSLk {U}/flags",
    "curl -svo /dev/null {U}/svo",
    # -- long options: abbreviations, --no-, unknown ------------------------------------------
    "curl {U}/abbrev --data-bin x",
    "curl {U}/abbrev2 --verb",
    "curl {U}/ambiguous --da x",
    "curl {U}/no-flag --no-silent",
    "curl {U}/no-bad --no-data x",
    "curl {U}/unknown --no-such-option",
    "curl --trace-ascii trace.log {U}/trace",
    "curl --capath /etc/ssl/certs {U}/capath",
    "curl --connect-timeout 5 -m 10 --retry 2 {U}/timeouts",
    "curl -o out.txt -w '%{{http_code}}' {U}/out",
    # -- POSIX shell quoting -----------------------------------------------------------------
    "curl \\\n  {U}/continued \\\n  -H 'X-A: 1'",
    "curl {U}/dq -H \"X-Q: \\\"quoted\\\" \\$HOME\"",
    "curl {U}/ansi -H $'X-Tab: a\\tb' --data-raw $'{{\"k\": \"caf\\u00e9 \\x41\"}}'",
    "curl {U}/sq-in-word 'a'\"b\"c -H 'X: 1'",
    "curl {U}/bs-in-sq --data-raw 'a\\\nb'",
    "curl {U}/bs-in-dq --data-raw \"a\\\nb\"",
    "# a comment line\ncurl {U}/after-comment",
    "curl {U}/trailing-comment # -d ignored",
    "curl {U}/piped | head -c 10",
    "curl {U}/redirect > /dev/null 2>&1",
    "curl {U}/and && echo done",
    "curl '{U}/amp?a=1&b=2'",
    "curl {U}/amp-unquoted?a=1&b=2",
    "curl {U}/env -H \"X-Home: $HOME\"",
    "curl {U}/subshell -d \"$(date)\"",
    "X=1 curl {U}/env-prefix",
    # -- browsers' Copy as cURL ----------------------------------------------------------------
    ("curl '{U}/v4/events/custom' \\\n  -H 'accept: */*' \\\n  -H 'accept-language: en-US,en;q=0.9' \\\n"
     "  -H 'content-type: application/json' \\\n  -H 'origin: https://shop.example' \\\n"
     "  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' \\\n"
     "  --data-raw $'{{\"action\":\"page.visit\",\"label\":\"O\\u2019Brien \\u2013 \\U0001f600\"}}' \\\n  --compressed"),
    ("curl '{U}/firefox' -X POST -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' "
     "-H 'Accept: */*' -H 'Accept-Language: en-US,en;q=0.5' -H 'Content-Type: application/json' "
     "-H 'Origin: https://shop.example' -H 'Connection: keep-alive' -H 'Cookie: sid=abc; _vt_user=1_2_false_false' "
     "--data-raw '{{\"x\":1}}'"),
    # -- the vendor documents' examples (myTracker's is typeset with typographic dashes) ------
    ("curl {U}/v1/customEvent/?idApp=666 \\\n--header \"Authorization: skjdfASFasf03asdffar3asJHB32r\" \\\n"
     "-d '{{\"customUserId\": \"1\", \"customEventName\": \"levelUp\",\n\"customEventParams\": {{\"level\": \"2\"}}}}'"),
    ("curl --location --request POST '{U}/v4/events/custom' \\\n--header 'Authorization: Bearer ey...RtH_g' \\\n"
     "--header 'Api-Version: 4.4' \\\n--header 'Content-Type: application/json' \\\n"
     "--data-raw '{{\n    \"action\": \"dog.bark\",\n    \"client\": {{\n        \"id\": 5092159999\n    }},\n"
     "    \"label\": \"bark\"\n}}'"),
    ("curl --location --request POST '{U}/events/v1/batch?token=56ba9d02-aaaa-aaaa-aaaa-018564059ea3' \\\n"
     "--header 'Content-Type: application/json' \\\n--data-raw '{{\"eventType\": \"recommendation.view\", \"items\": []}}'"),
]
