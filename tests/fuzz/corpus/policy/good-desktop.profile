[App]
Exec=/usr/bin/xterm

[Desktop]
X11=yes
Wayland=no
Home=Downloads:rw Documents
Home=Music:ro
DBus=filter
DBusTalk=org.freedesktop.Notifications org.mpris.*
DBusOwn=org.mpris.MediaPlayer2.xterm
