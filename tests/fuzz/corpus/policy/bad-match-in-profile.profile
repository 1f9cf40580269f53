[Sandbox]
PrivateTmp=yes
[Match]
User=alice
