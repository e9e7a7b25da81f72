/** Test fixture: a model's stored artifacts (model.json topology + weights), as a file loader would hand them over. */
import * as tf from '@tensorflow/tfjs';

/** Saves `model` in memory and returns what was saved; `model` stays usable. */
export async function savedArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) =>
      Promise.resolve((saved = a) && { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }),
    ),
  );
  return saved as tf.io.ModelArtifacts;
}
