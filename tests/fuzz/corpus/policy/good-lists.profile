# Empty assignments reset what this file said before.
[Sandbox]
ReadOnlyPaths=/a /b
ReadOnlyPaths=
ReadOnlyPaths=/c//d/ /c/d
CapabilityBoundingSet=CAP_KILL
CapabilityBoundingSet=
AmbientCapabilities=CAP_KILL CAP_CHOWN
AmbientCapabilities=~CAP_CHOWN
SystemCallFilter=read write
SystemCallFilter=
SystemCallFilter=~@swap
SystemCallFilter=swapon
RestrictNamespaces=yes
RestrictNamespaces=net
Environment=A=1 B=2
Environment=
Environment=A=3 A=4
