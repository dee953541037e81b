print("connector")
