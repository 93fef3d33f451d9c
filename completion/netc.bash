# bash completion for netc and for the trainers `netc build` writes.
# netc: its commands (build, import), options, .net and .onnx files, weights files.
# A trainer (any program whose --help starts "usage: NAME COMMAND"): its commands and
# the options its --help lists, weights (.safetensors) and data files.  Trainers are
# named after their networks: register each one, e.g. complete -F _netc_trainer mnist

_netc()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
    -o) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --emit) COMPREPLY=($(compgen -W 'c dot infer onnx' -- "$cur")); return ;;
    --quantize) COMPREPLY=($(compgen -W 'int8 int8-integer' -- "$cur")); return ;;
    --log-softmax) COMPREPLY=($(compgen -W 'softmax linear' -- "$cur")); return ;;
    --weights)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -X '!*.safetensors' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --calibration)
        compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --name) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-o --check --summary --emit --weights --allow-other-network
            --quantize --calibration --name --log-softmax --mpi --plain -Werror -h --help -V --version
            --print-runtime-dir' -- "$cur"))
        return
    fi
    compopt -o filenames 2>/dev/null
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W 'build import' -- "$cur"))
    fi
    if [[ ${COMP_WORDS[1]} == import ]]; then
        COMPREPLY+=($(compgen -f -X '!*.onnx' -- "$cur"))
    elif [[ ${COMP_WORDS[1]} == build ]]; then
        COMPREPLY+=($(compgen -f -X '!*.net' -- "$cur"))
    else
        COMPREPLY+=($(compgen -f -X '!*.net' -- "$cur") $(compgen -f -X '!*.onnx' -- "$cur"))
    fi
    COMPREPLY+=($(compgen -d -- "$cur"))
}
complete -F _netc netc

_netc_trainer()
{
    local cur prev prog help
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    prog=${COMP_WORDS[0]}
    help=$("$prog" --help 2>/dev/null) || return
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$(sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' <<<"$help")" -- "$cur"))
        return
    fi
    compopt -o filenames 2>/dev/null
    case $prev in
    --weights|--init-weights|--save)
        COMPREPLY=($(compgen -f -X '!*.safetensors' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --resume|--checkpoint)
        COMPREPLY=($(compgen -f -X '!*.ckpt' -- "$cur") $(compgen -d -- "$cur")); return ;;
    --data|--report|-o) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --label-column) COMPREPLY=($(compgen -W 'first last' -- "$cur")); return ;;
    --keep) COMPREPLY=($(compgen -W 'best last' -- "$cur")); return ;;
    --validation|--early-stop) return ;;   # a number
    --train-*|--test-*|--log) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(grep -oE '^  --[a-z-]+' <<<"$help")" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
