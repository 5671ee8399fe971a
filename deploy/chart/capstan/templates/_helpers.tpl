{{/* The prefix of every object's name: the release name, with the chart's name unless it holds it already. */}}
{{- define "capstan.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of one component's objects; selectors use the first two only, as deploy/'s manifests. */}}
{{- define "capstan.labels" -}}
app.kubernetes.io/name: capstan
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* A role's flags as arguments: `--name=value`, a list once per item, null and "" left out, names sorted. */}}
{{- define "capstan.flags" -}}
{{- range $name, $value := . }}
{{- if kindIs "slice" $value }}
{{- range $value }}
- {{ printf "--%s=%v" $name . | quote }}
{{- end }}
{{- else if not (or (kindIs "invalid" $value) (eq (toString $value) "")) }}
- {{ printf "--%s=%v" $name $value | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* "true" when Capstan uses a Redis Cluster of the user's (redis.cluster), named by flags rather than a URL. */}}
{{- define "capstan.redisCluster" -}}
{{- if and (not .Values.redis.enabled) .Values.redis.cluster -}}true{{- end -}}
{{- end -}}

{{/* The Secret holding the Redis URL (key `url`). */}}
{{- define "capstan.redisSecret" -}}
{{- if and (not .Values.redis.enabled) .Values.redis.existingSecret -}}
{{- .Values.redis.existingSecret -}}
{{- else -}}
{{- printf "%s-redis-url" (include "capstan.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Labels of the bundled Redis's objects. */}}
{{- define "capstan.redisLabels" -}}
app.kubernetes.io/name: redis
app.kubernetes.io/part-of: capstan
app.kubernetes.io/component: redis
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
