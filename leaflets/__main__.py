from leaflets.cli import entry_point

if __name__ == "__main__":  # guarded: worker processes may import this module
    entry_point()
