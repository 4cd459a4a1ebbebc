"""The offline demo's pictures: parametrised character shapes, backdrops, keyframes and checks."""
