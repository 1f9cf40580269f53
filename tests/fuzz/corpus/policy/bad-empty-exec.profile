[App]
Exec="" --x
