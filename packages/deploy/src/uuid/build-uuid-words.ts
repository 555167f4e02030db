// Short, common, inoffensive words: build uuids are read aloud and typed into URLs.

export const adjectives: readonly string[] = (
  'agile amber ancient autumn bold brave breezy bright calm clever cosmic crimson crisp curious ' +
  'daring dawn eager early electric elegant fancy fearless fluffy frosty gentle gilded golden ' +
  'graceful happy hidden humble icy jolly keen kind lively lucky lunar mellow misty modest nimble ' +
  'noble odd patient polar proud quick quiet rapid rustic shiny silent silver sleepy smooth snowy ' +
  'solar spry steady sunny swift tidy tranquil vivid wandering warm wild windy wise witty young ' +
  'zesty'
).split(' ');

export const nouns: readonly string[] = (
  'acorn anchor apple arrow badger beacon birch bison bridge brook canyon cedar comet coral credit ' +
  'crane delta dune eagle ember falcon fern field fjord forest fox garden glacier harbor hawk ' +
  'heron island lagoon lantern lark maple meadow mesa meteor moss nebula oak ocean orchid otter ' +
  'panda pebble pine planet prairie quartz raven reef river robin sierra sparrow spruce star stone ' +
  'summit thunder tiger trail tundra valley violet willow wolf yarrow zephyr'
).split(' ');
