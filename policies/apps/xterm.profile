# xterm on the caller's X display: no network, an empty home, the user's fonts.
# sandbox run xterm [ARGS]
# X11=yes: any X client can read the other windows' contents and keystrokes and send them
# input; see sandbox.policy(5).
[App]
Description=X terminal without network or home
Exec=/usr/bin/xterm

[Sandbox]
PrivateNetwork=yes

[Desktop]
X11=yes
Fonts=yes
