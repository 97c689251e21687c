print("netcheck")
