package store

// ItemBytes lets the external tests measure an item as the size test does.
var ItemBytes = itemBytes
