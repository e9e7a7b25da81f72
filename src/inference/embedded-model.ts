/** Where the app's own model is served from (public/model/ in the repository). */
export const EMBEDDED_MODEL_URL = `${import.meta.env.BASE_URL}model/`;
