# python3 in a sandbox: no network, no home, a private /tmp.
# sandbox run python3 [ARGS]
[App]
Description=Python 3 interpreter without network or home
Exec=/usr/bin/python3

[Sandbox]
PrivateNetwork=yes
PrivateTmp=yes
ProtectHome=yes
Environment=PYTHONDONTWRITEBYTECODE=1
