/** The page itself, loaded by the entry point (src/main.tsx) once the inference worker has started. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ensureCrossOriginIsolated } from './app/cross-origin-isolation.ts';
import { startApp } from './app/session.ts';
import { preloadCharts } from './features/charts/lazy-charts.tsx';
import { preloadTeachCurves } from './features/teach/TeachResults.tsx';
import { preloadVideoTimeline } from './features/video/VideoReview.tsx';
import { initTeach } from './app/teach-session.ts';
import { startVideos } from './app/video-session.ts';
import { browserLanguage, initI18n, setLanguage } from './i18n/index.ts';
import { useAppStore } from './store/store.ts';
import './styles.css';

initI18n(browserLanguage());
ensureCrossOriginIsolated();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

void startVideos();
void initTeach();
void startApp().then(() => {
  preloadCharts(); // the first cards' charts, fetched while their frames are classified
  // The Teach curves' and the video timeline's code a little later (neither shows before a training
  // or an analysis ends), so they do not compete with a first frame dropped right after "ready".
  setTimeout(() => {
    preloadTeachCurves();
    preloadVideoTimeline();
  }, 3000);
  const lang = useAppStore.getState().settings.language;
  if (lang) setLanguage(lang);
});
