# feh, an image viewer: no network; sees ~/Pictures and ~/Downloads read-only.
# sandbox run feh ~/Pictures/IMAGE
[App]
Description=Image viewer without network, reading ~/Pictures and ~/Downloads
Exec=/usr/bin/feh

[Sandbox]
PrivateNetwork=yes

[Desktop]
X11=yes
Fonts=yes
Home=Pictures:ro Downloads:ro
