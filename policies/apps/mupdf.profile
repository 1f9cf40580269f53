# MuPDF, a PDF viewer: no network; sees ~/Documents and ~/Downloads read-only, nothing else of
# the home.  sandbox run mupdf ~/Downloads/FILE.pdf
[App]
Description=PDF viewer without network, reading ~/Documents and ~/Downloads
Exec=/usr/bin/mupdf

[Sandbox]
PrivateNetwork=yes

[Desktop]
X11=yes
Fonts=yes
Home=Documents:ro Downloads:ro
