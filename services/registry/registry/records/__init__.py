"""From validated request bodies to stored rows and back: the rules applied on the way in."""
