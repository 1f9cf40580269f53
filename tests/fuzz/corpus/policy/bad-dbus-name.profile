[Desktop]
DBus=filter
DBusTalk=org
