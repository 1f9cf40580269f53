# An interactive shell in a sandbox: sandbox run shell
[App]
Description=POSIX shell without network or home
Exec=/bin/sh

[Sandbox]
PrivateNetwork=yes
ProtectHome=yes
