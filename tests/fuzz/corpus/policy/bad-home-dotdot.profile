[Desktop]
Home=../etc:rw
