# The local AWS sandbox (moto): see the module README, "Local sandbox".
sandbox_mode = true
