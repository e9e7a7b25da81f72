import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';
import { VideoCard, type VideoActions } from './VideoCard.tsx';

/** The session's videos, newest last, each with its analysis, timeline and findings. */
export function VideoList(actions: VideoActions) {
  const { t } = useTranslation();
  const order = useAppStore((s) => s.videoOrder);
  if (!order.length) return null;
  return (
    <section className="videos" aria-labelledby="videos-title">
      <h2 id="videos-title">{t('video.title')}</h2>
      {order.map((id) => (
        <VideoCard key={id} id={id} {...actions} />
      ))}
    </section>
  );
}
