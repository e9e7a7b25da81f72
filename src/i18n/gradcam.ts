/** English and Spanish texts of the Grad-CAM view, merged by the app into its i18next resources. */
export const gradcamResources = {
  en: {
    gradcam: {
      title: 'Where the model looked',
      show: 'Show heatmap',
      opacity: 'Heatmap opacity',
      classLabel: 'Heatmap for class',
      predictedSuffix: '(predicted)',
      computing: 'Computing heatmap…',
      failed: 'The heatmap could not be computed: {{message}}',
      imageAlt: 'Frame {{fileName}}',
      overlayAlt: 'Grad-CAM heatmap for {{className}}: warm colours mark the regions that most raised this class’s score.',
      legendLow: 'less evidence',
      legendHigh: 'more evidence',
      caveat: 'A heatmap shows what drove the model’s score, not where a lesion is.',
    },
  },
  es: {
    gradcam: {
      title: 'Dónde miró el modelo',
      show: 'Mostrar mapa de calor',
      opacity: 'Opacidad del mapa de calor',
      classLabel: 'Mapa de calor para la clase',
      predictedSuffix: '(predicha)',
      computing: 'Calculando el mapa de calor…',
      failed: 'No se pudo calcular el mapa de calor: {{message}}',
      imageAlt: 'Imagen {{fileName}}',
      overlayAlt:
        'Mapa de calor Grad-CAM para {{className}}: los colores cálidos marcan las regiones que más elevaron la puntuación de esta clase.',
      legendLow: 'menos evidencia',
      legendHigh: 'más evidencia',
      caveat: 'Un mapa de calor muestra qué impulsó la puntuación del modelo, no dónde está una lesión.',
    },
  },
} as const;
