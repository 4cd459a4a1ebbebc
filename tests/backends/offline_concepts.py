"""Concepts the offline demo must understand: who is in them (name, kind) and where they happen.

A name of ``None`` means the character is described, not named ("a curious fox"): any character
of that kind counts. Settings are keys of resources/offline/settings.json.
"""

from __future__ import annotations

Expected = tuple[str, list[tuple[str | None, str]], list[str]]

CONCEPTS: list[Expected] = [
    # animals
    ("A curious fox meets a wise owl in an enchanted autumn forest", [(None, "fox"), (None, "owl")], ["forest"]),
    ("A lantern fish guides a lost submarine home", [(None, "lantern fish"), (None, "submarine")], []),
    ("A lonely whale sings to the stars over a calm ocean", [(None, "whale")], ["ocean"]),
    ("Three little pigs build houses while a big bad wolf watches from the hills", [(None, "pig"), (None, "pig"), (None, "pig"), (None, "wolf")], ["meadow"]),
    ("A penguin waddles across the ice to find her lost chick", [(None, "penguin"), (None, "chicken")], ["snow"]),
    ("A brave mouse rescues a lion trapped in a hunter's net in the jungle", [(None, "mouse"), (None, "lion")], ["jungle"]),
    ("An old tortoise and a quick hare race through a sunny meadow", [(None, "turtle"), (None, "rabbit")], ["meadow"]),
    ("A family of ducks crosses a busy city street at dawn", [(None, "duck"), (None, "duck"), (None, "duck")], ["city"]),
    ("A playful dolphin helps a sea turtle escape a fishing net on the coral reef", [(None, "dolphin"), (None, "turtle")], ["underwater"]),
    ("A sleepy bear wakes up in a snowy cave and looks for honey", [(None, "bear")], ["cave"]),
    # named people
    ("Maya and her grandfather build a kite on a windy beach", [("Maya", "person"), (None, "grandfather")], ["beach"]),
    ("Captain Nemo pilots his submarine through a coral reef", [("Captain Nemo", "captain"), (None, "submarine")], ["underwater"]),
    ("Leo and Sofia open a tiny bakery in Paris", [("Leo", "person"), ("Sofia", "person")], ["kitchen"]),
    ("Detective Rosa solves the mystery of the missing painting in the museum", [("Detective Rosa", "detective")], ["museum"]),
    ("Amara, a young astronaut, repairs her spaceship on the moon", [("Amara", "person")], ["moon"]),
    ("Old Tom the lighthouse keeper rescues sailors during a storm", [("Tom", "lighthouse keeper")], ["storm"]),
    ("Princess Lina escapes her castle on a dragon at midnight", [("Princess Lina", "princess"), (None, "dragon")], ["castle"]),
    ("Kenji teaches his little sister to ride a bicycle in the park", [("Kenji", "person"), (None, "sister")], ["park"]),
    # robots and vehicles
    ("Two robots explore Mars at night", [(None, "robot"), (None, "robot")], ["planet"]),
    ("A rusty robot gardener tends the last flowers in an abandoned greenhouse", [(None, "robot")], ["greenhouse"]),
    ("A shy robot gardener named Pip and a curious fox named Juniper plant a glowing seed in a moonlit greenhouse", [("Pip", "robot"), ("Juniper", "fox")], ["greenhouse"]),
    ("A little red car races a steam train across the desert", [(None, "car"), (None, "train")], ["desert"]),
    ("A tugboat guides a huge ship into the harbour through thick fog", [(None, "boat"), (None, "ship")], ["harbour"]),
    ("A rocket and a friendly alien race to the edge of the galaxy", [(None, "rocket"), (None, "alien")], ["space"]),
    ("A curious rover discovers water under the dunes of a red planet", [(None, "rover")], ["planet"]),
    ("A hot air balloon drifts over the mountains at sunset", [(None, "hot air balloon")], ["mountains"]),
    ("An android named Unit Seven learns to paint in a quiet library", [("Unit Seven", "android")], ["library"]),
    # fantasy creatures
    ("A shy dragon befriends a knight in the ruins of an old castle", [(None, "dragon"), (None, "knight")], ["castle"]),
    ("A unicorn and a fairy search for a lost star in fairyland", [(None, "unicorn"), (None, "fairy")], ["fairyland"]),
    ("A grumpy troll guards a bridge over a rushing river", [(None, "troll")], ["river"]),
    ("A friendly ghost haunts an old library and helps children read", [(None, "ghost"), (None, "child")], ["library"]),
    ("A snowman comes to life on a winter night and dances with a reindeer", [(None, "snowman"), (None, "reindeer")], []),
    ("A phoenix rises from a volcano and saves a village", [(None, "phoenix")], ["volcano", "village"]),
    ("A mermaid and an octopus search a sunken ship under the sea", [(None, "mermaid"), (None, "octopus"), (None, "ship")], ["underwater"]),
    ("A wizard named Orin teaches a young witch to fly over the city", [("Orin", "wizard"), (None, "witch")], ["city"]),
    # groups
    ("Five kittens get lost in a big garden", [(None, "cat")] * 5, ["garden"]),
    ("A pack of wolves and a lost girl cross a frozen lake", [(None, "wolf"), (None, "wolf"), (None, "wolf"), (None, "girl")], ["lake"]),
    ("Four friends named Ana, Ben, Cleo and Dev camp in the mountains", [("Ana", "person"), ("Ben", "person"), ("Cleo", "person"), ("Dev", "person")], ["mountains"]),
    ("A swarm of bees and a bear argue over a beehive in the forest", [(None, "bee"), (None, "bear")], ["forest"]),
    # one- and five-character stories
    ("A lonely lighthouse keeps watch over the sea through the winter", [(None, "lighthouse")], ["ocean"]),
    ("A cat, a dog, a parrot, a rabbit and a turtle put on a show in the living room", [(None, "cat"), (None, "dog"), (None, "parrot"), (None, "rabbit"), (None, "turtle")], ["room"]),
    ("Zara, Omar, Lena, Kofi and Yuki build a treehouse in the woods", [("Zara", "person"), ("Omar", "person"), ("Lena", "person"), ("Kofi", "person"), ("Yuki", "person")], ["forest"]),
    ("A firefly lights the way for a lost caterpillar in the swamp", [(None, "firefly"), (None, "caterpillar")], ["swamp"]),
    # scripts, emoji, odd words
    ("Юлия и кот Барсик гуляют по лесу", [("Юлия", "person")], []),
    ("小明 and a panda plant bamboo in the bamboo forest", [("小明", "person"), (None, "panda")], ["bamboo forest"]),
    ("🦊 and 🦉 watch the moonrise in the forest", [(None, "fox"), (None, "owl")], ["forest"]),
    ("A glorp waves at a red dragon in the canyon", [("Glorp", "figure"), (None, "dragon")], ["canyon"]),
]  # fmt: skip
