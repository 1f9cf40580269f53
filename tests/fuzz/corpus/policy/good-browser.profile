[App]
Exec=/usr/bin/firefox --no-remote "--profile=/tmp/my profile"
Description=Web browser, offline edition

[Resources]
MemoryMax=1.5G
CPUQuota=50.5%

[Sandbox]
PrivateNetwork=on
ProtectHome=tmpfs
BindPaths=-/srv/scratch/downloads:/home/u/Downloads:norbind
ReadOnlyPaths=/srv/scratch/ro
SystemCallFilter=@mount
SystemCallFilter=~umount
RestrictNamespaces=~user
Environment=MOZ_ENABLE_WAYLAND=1 "GREETING=say \"hi\"\tthere"
