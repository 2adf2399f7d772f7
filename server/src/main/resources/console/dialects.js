// Which organizations speak a dialect, whose own objects some screens show (offices and regions, rooms, Close's
// settings): those on the dialect's built-in models, named by their exact ids. A custom model may be registered
// under any id no built-in model has — `rooms_custom` too — and its organizations have none of a dialect's objects.

/** The built-in models of each dialect's organizations (the server's ModelRegistry.BUILT_IN). */
const MODELS = {rooms: ['rooms', 'rooms_v5'], close: ['close']};

/** The dialect of an organization on `model` ('rooms', 'close'), or null: a custom model speaks none. */
export function dialectOf(model) {
  return Object.keys(MODELS).find(name => MODELS[name].includes(model.id)) || null;
}
