# Firefox ESR: the network, the X display, ~/Downloads writable, nothing else of the home (a
# fresh, throwaway profile each run). No sound and no session bus unless you add them in
# ~/.config/sandbox/apps/firefox-esr.profile ([Desktop] Audio=yes, DBus=filter with DBusTalk=).
# Firefox's own content sandbox cannot create its namespaces here (the sandbox's system call
# filter refuses them); it falls back to its seccomp-only sandbox. See sandbox.policy(5).
[App]
Description=Web browser with network, saving to ~/Downloads
Exec=/usr/bin/firefox-esr

[Sandbox]
PrivateNetwork=no

[Desktop]
X11=yes
Fonts=yes
Home=Downloads:rw
