/**
 * The printable report's "Videos" section: per video its name, duration and frames analysed, and a
 * table of its findings segments (the same segments the timeline shows, with the settings in force,
 * which the section states so a reader knows how they were found).
 */
import { useTranslation } from 'react-i18next';
import type { SegmentParams } from '../../domain/video-segments.ts';
import { videoSegments, type VideoResult } from './video-results.ts';

export interface VideoReportSectionProps {
  videos: readonly VideoResult[];
  params: SegmentParams;
  labelOf: (className: string) => string;
}

/** `83.4 s` as `1:23.4`: clinicians read a procedure's time as minutes and seconds. */
export function clockTime(s: number): string {
  const tenths = Math.round(s * 10); // rounded first, so 59.97 s reads 1:00.0, not 0:60.0
  const minutes = Math.floor(tenths / 600);
  return `${minutes}:${((tenths - minutes * 600) / 10).toFixed(1).padStart(4, '0')}`;
}

export function VideoReportSection({ videos, params, labelOf }: VideoReportSectionProps) {
  const { t, i18n } = useTranslation();
  const pct = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  return (
    <section aria-labelledby="report-videos" className="endolens-report__videos">
      <h2 id="report-videos">{t('report.videosTitle')}</h2>
      <p>{t('report.segmentParams', { smoothing: params.smoothingS, enter: params.enter, exit: params.exit, min: params.minDurationS })}</p>
      {videos.map((video, i) => {
        const segments = videoSegments(video, params);
        const titleId = `report-video-${i}`;
        return (
          <section key={video.id} aria-labelledby={titleId} data-testid="report-video" data-file-name={video.fileName}>
            <h3 id={titleId}>{video.fileName}</h3>
            <dl>
              <dt>{t('report.videoDuration')}</dt>
              <dd>{video.info ? clockTime(video.info.durationS) : t('report.videoUnknown')}</dd>
              <dt>{t('report.videoFrames')}</dt>
              <dd>{video.framesAnalysed}</dd>
              <dt>{t('report.model')}</dt>
              <dd>
                {video.model.name} {video.model.version}
              </dd>
            </dl>
            {segments.length === 0 ? (
              <p>{t('report.videoNoFindings')}</p>
            ) : (
              <table>
                <caption>{t('report.videoFindings')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('report.class')}</th>
                    <th scope="col">{t('report.segmentTime')}</th>
                    <th scope="col">{t('report.segmentMean')}</th>
                    <th scope="col">{t('report.segmentMax')}</th>
                  </tr>
                </thead>
                <tbody>
                  {segments.map((s) => (
                    <tr key={`${s.className}@${s.start}`} data-testid="report-segment" data-class={s.className} data-start-s={s.start}>
                      <th scope="row">{labelOf(s.className)}</th>
                      <td>
                        {clockTime(s.start)} – {clockTime(s.end)}
                      </td>
                      <td>{pct.format(s.meanProbability)}</td>
                      <td>{pct.format(s.maxProbability)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </section>
  );
}
